// A record's files as links that download them; the files API wants the
// session's token, so a plain href would not do.

import { App, Space } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import { download } from './download';

interface File {
  id: string;
  name: string;
}

/** The stored files of an attachment value; anything else is nothing. */
export function storedFiles(value: unknown): File[] {
  if (!Array.isArray(value)) return [];
  return value.filter((x): x is File => !!x && typeof x === 'object' && typeof (x as File).id === 'string').map((x) => ({ id: x.id, name: x.name || x.id }));
}

export function AttachmentLinks({ value }: { value: unknown }) {
  const { message } = App.useApp();
  const files = storedFiles(value);
  if (files.length === 0) return <>—</>;
  return (
    <Space direction="vertical" size={2}>
      {files.map((f) => (
        <a
          key={f.id}
          href={`/api/v1/files/${encodeURIComponent(f.id)}`}
          data-testid="file-link"
          onClick={(e) => {
            e.preventDefault();
            download(`/api/v1/files/${encodeURIComponent(f.id)}`, f.name).catch((err: Error) => message.error(err.message));
          }}
        >
          <PaperClipOutlined /> {f.name}
        </a>
      ))}
    </Space>
  );
}
