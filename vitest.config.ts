import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    env: {
      PACT_DO_NOT_TRACK: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Tests must never pick up a developer's real AWS configuration.
      AWS_ACCESS_KEY_ID: 'AKIAECRCONFORMANCETEST',
      AWS_SECRET_ACCESS_KEY: 'ecr-conformance-test-secret',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      // The CLI's periodic progress lines (stderr, every 5 s without a terminal) are tested on their own.
      ECR_CONFORMANCE_PROGRESS: 'off',
    },
    // Quiet when tests pass (a dot each); a failure is printed in full. In CI the JSON reporter also
    // writes the counts that .ci/run prints as its last line.
    reporters: process.env['CI'] ? ['dot', 'json'] : ['dot'],
    outputFile: { json: 'reports/vitest-results.json' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
