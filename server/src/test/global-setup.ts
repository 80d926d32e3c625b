import type { TestProject } from 'vitest/node';
import { migrate, openOrm } from '../db/orm.js';
import { createDatabase, dropDatabase, adminUrl, withDatabase } from './databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | null;
  }
}

/** Migrates one template database; each test file then gets its own copy of it. */
export default async function setup(project: TestProject) {
  if (process.env.SORAE_TEST_EMBEDDED === '1') {
    console.log('[server tests] no PostgreSQL server: each test file runs on its own embedded PGlite');
    project.provide('templateDatabase', null);
    return;
  }
  const template = await createDatabase('sorae_template');
  const orm = await openOrm(withDatabase(adminUrl(), template), { max: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
  project.provide('templateDatabase', template);
  return () => dropDatabase(template);
}
