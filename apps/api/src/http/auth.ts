import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TailorError } from '@tailor/common';
import { ApiKeysService, type Principal } from '@tailor/engine';
import type { Request } from 'express';

const PUBLIC = 'tailor:public';
const ADMIN = 'tailor:admin';
const QUERY_TOKEN = 'tailor:query-token';

/** No key needed (docs only). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only admin keys. */
export const AdminOnly = () => SetMetadata(ADMIN, true);
/**
 * Also accept the key as `?access_token=` — for server-sent events, since a browser's EventSource
 * cannot send an Authorization header.
 */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);

type AuthedRequest = Request & { principal?: Principal };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    let key: string | undefined;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new TailorError('UNAUTHENTICATED', 'must be "Bearer <key>"', 'authorization');
      key = m[1];
    } else if (this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, targets)) {
      const q = req.query.access_token;
      key = typeof q === 'string' ? q : undefined;
    }
    req.principal = await this.keys.authenticate(key);
    if (this.reflector.getAllAndOverride<boolean>(ADMIN, targets) && req.principal.role !== 'admin')
      throw new TailorError('FORBIDDEN', 'needs an admin key', 'authorization');
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new TailorError('UNAUTHENTICATED', 'no principal on the request', 'authorization');
  return p;
});
