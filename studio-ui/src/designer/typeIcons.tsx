import type { ReactNode } from 'react';
import {
  AlignLeftOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ClockCircleOutlined,
  DollarOutlined,
  FieldBinaryOutlined,
  FieldNumberOutlined,
  FontSizeOutlined,
  FunctionOutlined,
  LinkOutlined,
  MailOutlined,
  NumberOutlined,
  PaperClipOutlined,
  PercentageOutlined,
  PhoneOutlined,
  QuestionOutlined,
  SelectOutlined,
  TableOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
  GlobalOutlined,
} from '@ant-design/icons';

const icons: Record<string, ReactNode> = {
  text: <FontSizeOutlined />,
  long_text: <AlignLeftOutlined />,
  integer: <FieldNumberOutlined />,
  decimal: <FieldBinaryOutlined />,
  money: <DollarOutlined />,
  percent: <PercentageOutlined />,
  boolean: <CheckSquareOutlined />,
  date: <CalendarOutlined />,
  datetime: <ClockCircleOutlined />,
  select: <SelectOutlined />,
  multi_select: <TagsOutlined />,
  email: <MailOutlined />,
  phone: <PhoneOutlined />,
  url: <GlobalOutlined />,
  relation: <LinkOutlined />,
  sub_table: <TableOutlined />,
  attachment: <PaperClipOutlined />,
  user: <UserOutlined />,
  department: <TeamOutlined />,
  auto_number: <NumberOutlined />,
  formula: <FunctionOutlined />,
};

export function TypeIcon({ type }: { type: string }) {
  return <span className={`type-icon type-${type}`}>{icons[type] ?? <QuestionOutlined />}</span>;
}

