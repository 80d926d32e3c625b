import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123224059 } from './Migration20261123224059.js';
import { Migration20261123225159 } from './Migration20261123225159.js';
import { Migration20261123225408 } from './Migration20261123225408.js';
import { Migration20261123230226 } from './Migration20261123230226.js';
import { Migration20261123232000 } from './Migration20261123232000.js';
import { Migration20261123232445 } from './Migration20261123232445.js';
import { Migration20261123233000 } from './Migration20261123233000.js';
import { Migration20261123235712 } from './Migration20261123235712.js';

import { Migration20261124003000 } from './Migration20261124003000.js';
import { Migration20261124020000 } from './Migration20261124020000.js';
import { Migration20261124030000 } from './Migration20261124030000.js';
import { Migration20261124040000 } from './Migration20261124040000.js';
import { Migration20261124050000 } from './Migration20261124050000.js';
import { Migration20261124060000 } from './Migration20261124060000.js';
import { Migration20261124070000 } from './Migration20261124070000.js';
import { Migration20261124080000 } from './Migration20261124080000.js';
import { Migration20261124090000 } from './Migration20261124090000.js';
import { Migration20261206204000 } from './Migration20261206204000.js';
import { Migration20261206201000 } from './Migration20261206201000.js';
import { Migration20261206205000 } from './Migration20261206205000.js';
import { Migration20261206210000 } from './Migration20261206210000.js';
import { Migration20261206211000 } from './Migration20261206211000.js';
import { Migration20261206220000 } from './Migration20261206220000.js';
import { Migration20261206220100 } from './Migration20261206220100.js';
import { Migration20261206223000 } from './Migration20261206223000.js';
import { Migration20261207020000 } from './Migration20261207020000.js';

/** Every migration, in order. Listed explicitly so the same code runs from src (tests) and dist. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123224059', class: Migration20261123224059 },
  { name: 'Migration20261123225159', class: Migration20261123225159 },
  { name: 'Migration20261123225408', class: Migration20261123225408 },
  { name: 'Migration20261123230226', class: Migration20261123230226 },
  { name: 'Migration20261123232000', class: Migration20261123232000 },
  { name: 'Migration20261123233000', class: Migration20261123233000 },
  { name: 'Migration20261123232445', class: Migration20261123232445 },
  { name: 'Migration20261123235712', class: Migration20261123235712 },
  { name: 'Migration20261124003000', class: Migration20261124003000 },
  { name: 'Migration20261124020000', class: Migration20261124020000 },
  { name: 'Migration20261124030000', class: Migration20261124030000 },
  { name: 'Migration20261124040000', class: Migration20261124040000 },
  { name: 'Migration20261124050000', class: Migration20261124050000 },
  { name: 'Migration20261124060000', class: Migration20261124060000 },
  { name: 'Migration20261124070000', class: Migration20261124070000 },
  { name: 'Migration20261124080000', class: Migration20261124080000 },
  { name: 'Migration20261124090000', class: Migration20261124090000 },
  { name: 'Migration20261206204000', class: Migration20261206204000 },
  { name: 'Migration20261206201000', class: Migration20261206201000 },
  { name: 'Migration20261206205000', class: Migration20261206205000 },
  { name: 'Migration20261206210000', class: Migration20261206210000 },
  { name: 'Migration20261206211000', class: Migration20261206211000 },
  { name: 'Migration20261206220000', class: Migration20261206220000 },
  { name: 'Migration20261206220100', class: Migration20261206220100 },
  { name: 'Migration20261206223000', class: Migration20261206223000 },
  { name: 'Migration20261207020000', class: Migration20261207020000 },
];
