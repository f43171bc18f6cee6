import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships without messages ("Invalid input"); clients get the English ones. The
// locale is imported by path so bundles do not carry every other language.
z.config(en());
