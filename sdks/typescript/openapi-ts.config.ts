import { defineConfig } from '@hey-api/openapi-ts';

// `npm run generate` rewrites src/generated/ from the committed SDK document (sdks/openapi.json).
// The fetch client is bundled into the output, so the package has no runtime dependency.
export default defineConfig({
  input: '../openapi.json',
  output: {
    path: './src/generated',
    module: { extension: '.js' },
    tsConfigPath: './tsconfig.json',
  },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
});
