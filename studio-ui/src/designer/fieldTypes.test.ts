import { describe, expect, it } from 'vitest';
import schema from '../../../engine/schemas/form.schema.json';
import { en } from '../i18n/en';
import { allowedInSubTable, cleanField, formulaResultsFromSchema, groupOf, settingsFor, typesFromSchema } from './fieldTypes';

describe('field types', () => {
  const types = typesFromSchema(schema);

  it('come from the server form schema', () => {
    expect(types).toContain('text');
    expect(types).toContain('formula');
    expect(types).toContain('sub_table');
    expect(types.length).toBeGreaterThanOrEqual(21);
    expect(formulaResultsFromSchema(schema)).toEqual(['integer', 'decimal', 'money', 'percent', 'text', 'boolean', 'date']);
  });

  it('each have a name, a hint and a group in the studio', () => {
    for (const t of types) {
      expect(en, t).toHaveProperty(`type.${t}`);
      expect(en, t).toHaveProperty(`typeHint.${t}`);
      expect(groupOf(t)).toBeTruthy();
    }
  });

  it('offer the settings that apply to them', () => {
    expect(settingsFor('money').has('currency')).toBe(true);
    expect(settingsFor('text').has('currency')).toBe(false);
    expect(settingsFor('formula').has('required')).toBe(false);
    expect(settingsFor('select').has('options')).toBe(true);
    expect(settingsFor('integer', true).has('index')).toBe(false);
    expect(allowedInSubTable('sub_table')).toBe(false);
  });

  it('keep a formula field its formula even when empty, so the server says what is missing', () => {
    expect(cleanField({ key: 'total', type: 'formula', label: 'Total', formula: '' })).toEqual({ key: 'total', type: 'formula', label: 'Total', formula: '' });
  });
});
