// Lints the hosted pages' scripts (assets/*.js): plain browser ES2022, no dependencies, and
// nothing the pages' Content-Security-Policy or their safety rules forbid.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    files: ['assets/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2022, sourceType: 'script', globals: globals.browser },
    rules: {
      ...js.configs.recommended.rules,
      // A storage or clipboard that is switched off is not an error the page can act on.
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      // Polled text reaches the page through textContent only: no markup from strings.
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'build nodes; set textContent' },
        { property: 'outerHTML', message: 'build nodes; set textContent' },
        { property: 'insertAdjacentHTML', message: 'build nodes; set textContent' },
        { object: 'document', property: 'write', message: 'build nodes; set textContent' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='style']", message: 'no inline styles (CSP): use classes' },
      ],
    },
  },
];
