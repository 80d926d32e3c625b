import type { EntityClass, EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { isUuid } from '../ids.js';

/**
 * One DataLoader per entity per request, so relation fields on a page of rows cost one query
 * per relation, not one per row. Entity loads go through the tenant filter like any query.
 */
export class Loaders {
  private readonly byIdLoaders = new Map<EntityClass<object>, DataLoader<string, object | null>>();
  private readonly custom = new Map<string, DataLoader<unknown, unknown>>();

  constructor(private readonly em: EntityManager) {}

  byId<T extends { id: string }>(entity: EntityClass<T>): DataLoader<string, T | null> {
    let loader = this.byIdLoaders.get(entity);
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        // A malformed id is simply not found, never a database error.
        const valid = ids.filter(isUuid);
        const rows = valid.length ? ((await this.em.find(entity, { id: { $in: valid } } as never)) as T[]) : [];
        const map = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => map.get(id) ?? null);
      });
      this.byIdLoaders.set(entity, loader);
    }
    return loader as DataLoader<string, T | null>;
  }

  /** A named loader for other keys (children by parent id and the like), created once per request. */
  keyed<K, V>(name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    let loader = this.custom.get(name);
    if (!loader) {
      loader = new DataLoader(batch as (keys: readonly unknown[]) => Promise<unknown[]>);
      this.custom.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }
}
