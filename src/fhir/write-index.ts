/** Build step (`npm run build`): writes dist/definitions-index.json; see definitions-index.ts. */
import { writeIndexForInstalledPackages } from './definitions.js';

console.log(`definitions index: ${writeIndexForInstalledPackages()}`);
