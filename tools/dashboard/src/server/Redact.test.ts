import { describe, expect, it } from 'vitest';
import { redact } from './Redact.js';

describe('redact', () => {
  it('drops the user-info of URLs and the values of the AWS credential variables', () => {
    const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' };
    expect(
      redact(
        'GET https://AKIAEXAMPLE:wJalrXUtnFEMI@s3.example.com/b failed; key AKIAEXAMPLE secret wJalrXUtnFEMI',
        env,
      ),
    ).toBe('GET https://s3.example.com/b failed; key *** secret ***');
  });

  it('leaves text without credentials as it is', () => {
    expect(redact('s3://bucket/runs/x has no _rundir.json', {})).toBe('s3://bucket/runs/x has no _rundir.json');
  });
});
