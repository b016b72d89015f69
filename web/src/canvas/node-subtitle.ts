/**
 * The line under a node's name: its type's title, unless the name already is that title (a node
 * not renamed is called "HTTP request" or "HTTP request 2"), where it would only say it twice.
 * Apart from the canvas node so drawings without React Flow (the templates gallery) share it.
 */
export function nodeSubtitle(name: string, title: string): string | undefined {
  const stem = name.replace(/\s+\d+$/, '');
  return stem === title || name === title ? undefined : title;
}
