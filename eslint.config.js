import js from "@eslint/js";
import globals from "globals";

export default [
  // Vendored libraries stay byte-for-byte as published (extension/lib/vendor/README.md).
  { ignores: ["node_modules/**", ".venv/**", "extension/lib/vendor/**"] },
  js.configs.recommended,
  {
    files: ["extension/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.webextensions, ...globals.serviceworker },
    },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: ["extension/tests/**/*.js"],
    languageOptions: { globals: { ...globals.node } },
  },
  // The Firefox tests' driver (tests/support/firefox.py runs it under node).
  {
    files: ["tests/**/*.mjs"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: { ...globals.node } },
    rules: { "no-unused-vars": ["error", { argsIgnorePattern: "^_" }], eqeqeq: ["error", "smart"] },
  },
];
