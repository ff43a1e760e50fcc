import { defineConfig } from 'vitest/config';
import { defineVitestConfig } from '../../config/vitest.mjs';

export default defineConfig(defineVitestConfig({ source: true, timeout: 120_000 }));
