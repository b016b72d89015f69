import { queryOptions } from '@tanstack/react-query';
import { call } from '../client.ts';

export const scheduleQueries = {
  list: () =>
    queryOptions({ queryKey: ['schedules'] as const, queryFn: async () => (await call('GET /schedules')).items }),
};
