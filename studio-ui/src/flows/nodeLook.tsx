// How each kind of node looks: its icon and colour, the same in the palette
// and on the canvas.

import type { ReactNode } from 'react';
import {
  ApartmentOutlined,
  AuditOutlined,
  BranchesOutlined,
  ClockCircleOutlined,
  ForkOutlined,
  MergeCellsOutlined,
  PlayCircleOutlined,
  SendOutlined,
  StopOutlined,
  TeamOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import type { FlowNode, PaletteItem } from './model';

export const looks: Record<PaletteItem, { icon: ReactNode; color: string }> = {
  start: { icon: <PlayCircleOutlined />, color: '#52c41a' },
  approval: { icon: <AuditOutlined />, color: '#1677ff' },
  countersign: { icon: <TeamOutlined />, color: '#2f54eb' },
  cc: { icon: <SendOutlined />, color: '#13c2c2' },
  branch: { icon: <BranchesOutlined />, color: '#fa8c16' },
  split: { icon: <ForkOutlined />, color: '#722ed1' },
  join: { icon: <MergeCellsOutlined />, color: '#722ed1' },
  action: { icon: <ThunderboltOutlined />, color: '#eb2f96' },
  wait: { icon: <ClockCircleOutlined />, color: '#faad14' },
  subflow: { icon: <ApartmentOutlined />, color: '#08979c' },
  end: { icon: <StopOutlined />, color: '#8c8c8c' },
};

/** The palette item a node is: a countersign is an approval of mode all. */
export function itemOf(n: FlowNode): PaletteItem {
  if (n.type === 'approval' && n.approval?.mode === 'all') return 'countersign';
  return (n.type in looks ? n.type : 'action') as PaletteItem;
}
