import { useReducer } from 'react';
import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { AppProviders } from '../app/AppProviders';
import { Canvas, DesignerBoard } from './Canvas';
import { emptyState, reducer, ROOT } from './designerState';
import { Palette } from './Palette';

function Board() {
  const [state, dispatch] = useReducer(reducer, emptyState('visit', 'Visit'));
  const labels = { newField: (t: string) => `New ${t}`, option: (n: number) => `Option ${n}`, column: 'Item' };
  const add = (type: string, at = { container: ROOT, index: state.fields.length }) =>
    dispatch({ type: 'add', fieldType: type, container: at.container, index: at.index, labels });
  return (
    <DesignerBoard state={state} onAdd={add} onMove={(uid, toIndex) => dispatch({ type: 'move', uid, toIndex })}>
      <Palette types={['text', 'integer', 'sub_table']} onAdd={(t) => add(t)} />
      <Canvas
        state={state}
        select={(uid) => dispatch({ type: 'select', uid })}
        remove={(uid) => dispatch({ type: 'remove', uid })}
        duplicate={(uid) => dispatch({ type: 'duplicate', uid })}
        problemCount={{}}
      />
    </DesignerBoard>
  );
}

describe('palette and canvas without a mouse', () => {
  it('adds a field with Enter and removes it again', async () => {
    render(
      <AppProviders lang="en">
        <Board />
      </AppProviders>,
    );
    expect(screen.getByText(/Drag a field type here/)).toBeTruthy();
    await act(async () => fireEvent.keyDown(screen.getByRole('button', { name: 'Add field: Integer' }), { key: 'Enter' }));
    await act(async () => fireEvent.keyDown(screen.getByRole('button', { name: 'Add field: Sub-table' }), { key: 'Enter' }));
    expect(screen.getByTestId('tile-new_integer')).toBeTruthy();
    expect(screen.getByTestId('column-item')).toBeTruthy();
    const remove = screen.getAllByRole('button', { name: 'Remove field' })[0];
    await act(async () => fireEvent.click(remove));
    expect(screen.queryByTestId('tile-new_integer')).toBeNull();
  });
});
