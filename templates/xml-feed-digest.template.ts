import { column, defineTemplate, link, step } from './define.ts';

/*
 *   Every morning ──▶ Fetch feed ──▶ Read XML ──▶ Entries ──▶ Latest 5 ──▶ Post to chat
 */
export default defineTemplate({
  slug: 'xml-feed-digest',
  title: 'Post an RSS feed’s latest entries',
  description:
    'Every morning, reads an RSS (XML) feed, takes its five newest entries and posts them as a list of links to a chat channel.',
  category: 'Data',
  tags: ['Schedule', 'XML', 'RSS', 'HTTP'],
  graph: {
    nodes: [
      step(
        'schedule',
        'trigger.schedule',
        'Every morning',
        { x: column(0), y: 0 },
        { cron: '0 7 * * *', timezone: 'Europe/Berlin' },
      ),
      step(
        'fetch',
        'action.http',
        'Fetch feed',
        { x: column(1), y: 0 },
        { method: 'GET', url: 'https://blog.example.com/feed.xml' },
      ),
      step(
        'read',
        'transform.xmlToJson',
        'Read XML',
        { x: column(2), y: 0 },
        { text: '{{ input.body }}', alwaysArray: ['rss.channel.item'] },
      ),
      step(
        'entries',
        'transform.splitOut',
        'Entries',
        { x: column(3), y: 0 },
        { source: '{{ input.rss.channel }}', field: 'item' },
      ),
      step('latest', 'transform.limit', 'Latest 5', { x: column(4), y: 0 }, { count: 5, keep: 'first' }),
      step(
        'post',
        'action.http',
        'Post to chat',
        { x: column(5), y: 0 },
        {
          method: 'POST',
          url: 'https://hooks.slack.com/services/T00000000/B00000000/REPLACE-ME',
          body: {
            text: 'New on the blog:\n{{ input.map((entry) => "• <" + entry.link + "|" + entry.title + ">").join("\\n") }}',
          },
        },
      ),
    ],
    edges: [
      link('schedule', 'fetch'),
      link('fetch', 'read'),
      link('read', 'entries'),
      link('entries', 'latest'),
      link('latest', 'post'),
    ],
  },
});
