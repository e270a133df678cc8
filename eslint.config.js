// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/.data/',
    '**/coverage/',
    '**/test-results/',
    'bench/results/',
    // Generated from the API's OpenAPI document (npm run api:types -w web).
    'web/src/api/schema.d.ts',
  ]),

  js.configs.recommended,
  // Syntax-only typescript-eslint rules (no type information, so linting stays fast).
  tseslint.configs.recommended,

  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // Node code: the API server, benchmarks, end-to-end tests and tool configs.
  {
    files: [
      'server/**/*.{js,mjs,cjs,ts,mts,cts}',
      'bench/**/*.{js,mjs,cjs,ts,mts,cts}',
      'e2e/**/*.{js,mjs,cjs,ts,mts,cts}',
      '.ci/**/*.{js,mjs}',
      'scripts/**/*.{js,mjs}',
      'web/scripts/**/*.{js,mjs}',
      '**/*.config.{js,mjs,cjs,ts,mts,cts}',
    ],
    languageOptions: {
      globals: { ...globals.node },
    },
  },

  // Browser code served by a test stand-in (the stand-in of Stripe.js).
  {
    files: ['server/test/stripe-stand-in/browser/*.js'],
    languageOptions: {
      globals: { ...globals.browser },
    },
  },

  // Browser code: the storefront.
  {
    files: ['web/src/**/*.{ts,tsx,js,jsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
]);
