/**
 * The API's endpoints as types, read from the server's own route declarations (`defineRoute` keeps
 * each route's method, path, zod inputs and documented answers): a call names its endpoint as
 * `"GET /workflows/:id"` and gets its inputs checked and its answer typed, with nothing of the
 * server in the bundle (type-only imports). A route changed on the server fails the typecheck here.
 */
import type { z } from 'zod';
import type { ApiRoute } from '../../../server/api/app.ts';
import type { DeclaredRoute } from '../../../server/api/route.ts';

type AnyRoute = ApiRoute;

type KeyOf<R> = R extends DeclaredRoute<infer M, infer Path> ? `${Uppercase<M>} ${Path}` : never;

/** Every endpoint, e.g. `"POST /workflows/:id/publish"`. */
export type Endpoint = KeyOf<AnyRoute>;

type RouteAt<K extends Endpoint> = AnyRoute extends infer R
  ? R extends unknown
    ? K extends KeyOf<R>
      ? R
      : never
    : never
  : never;

type Inputs<K extends Endpoint> = NonNullable<RouteAt<K>['types']>;

/** The empty object type: a type it extends has nothing required. */
type Nothing = Record<never, never>;

/** A part may be left out when nothing in it is required (routes without params, query or body). */
type Part<Name extends string, Value> = Nothing extends Value
  ? { readonly [N in Name]?: Value }
  : { readonly [N in Name]: Value };

export type EndpointInput<K extends Endpoint> = Part<'params', Inputs<K>['params']> &
  Part<'query', Inputs<K>['query']> &
  Part<'body', Inputs<K>['body']>;

type SuccessStatus = 200 | 201 | 202 | 204;
type SchemaAnswer<Documented> = Documented extends { readonly schema: infer S extends z.ZodType }
  ? z.output<S>
  : undefined;

/** What the endpoint answers on success (its documented 2xx shape; `undefined` for 204). */
export type EndpointAnswer<K extends Endpoint> = RouteAt<K>['responses'] extends infer Documented
  ? { [S in keyof Documented & SuccessStatus]: SchemaAnswer<Documented[S]> }[keyof Documented & SuccessStatus]
  : never;

/** The call's arguments: the input object may be left out when it has nothing required. */
export type EndpointArgs<K extends Endpoint> =
  Nothing extends EndpointInput<K> ? [input?: EndpointInput<K>] : [input: EndpointInput<K>];
