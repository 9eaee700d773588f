// Departments arrive as a flat list with parent ids; the admin sees a tree.

import type { AdminDepartment } from './accessApi';

export interface DeptNode {
  key: number;
  value: number;
  title: string;
  children: DeptNode[];
}

/** The tree of departments; one whose parent is missing is a root, so a
 * broken link never hides a department. */
export function departmentTree(list: AdminDepartment[]): DeptNode[] {
  const nodes = new Map<number, DeptNode>(list.map((d) => [d.id, { key: d.id, value: d.id, title: d.name, children: [] }]));
  const roots: DeptNode[] = [];
  for (const d of list) {
    const n = nodes.get(d.id)!;
    const parent = d.parent_id != null ? nodes.get(d.parent_id) : undefined;
    if (parent && parent !== n) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}

/** Ids of a department and everything under it: where it may not move. */
export function subtreeIds(list: AdminDepartment[], id: number): Set<number> {
  const out = new Set<number>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of list) {
      if (d.parent_id != null && out.has(d.parent_id) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}
