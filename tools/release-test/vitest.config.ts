import { defineConfig } from 'vitest/config';
import { defineVitestConfig } from '../../config/vitest.mjs';

// One long sequential scenario: copy, install, build and publish twice, install twice from the local registry.
export default defineConfig(defineVitestConfig({ timeout: 600_000, hookTimeout: 300_000 }));
