import type * as TypeOrm from 'typeorm';
import { loadTypeorm } from '../connection/typeorm-load';

/**
 * TypeORM's schema classes (Table, TableColumn, ...), loaded on first use. Revision files import
 * this kit, and commands that only list revisions (heads, history) load them without running them:
 * they should not pay the ~150 ms that loading TypeORM costs.
 */
export function typeorm(): typeof TypeOrm {
  return loadTypeorm();
}
