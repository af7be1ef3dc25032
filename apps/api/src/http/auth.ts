import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TailorError } from '@tailor/common';
import { ApiKeysService, FarmAgentsService, type Principal } from '@tailor/engine';
import type { AgentEntity } from '@tailor/persistence';
import type { Request } from 'express';

const PUBLIC = 'tailor:public';
const ADMIN = 'tailor:admin';
const QUERY_TOKEN = 'tailor:query-token';
const AGENT = 'tailor:agent';

/** No key needed (docs only). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Only admin keys. */
export const AdminOnly = () => SetMetadata(ADMIN, true);
/**
 * Also accept the key as `?access_token=` — for server-sent events, since a browser's EventSource
 * cannot send an Authorization header.
 */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);

/**
 * Device-farm agent routes: only an agent secret gets in (a user or admin key is refused), and an
 * agent secret gets into nothing else (ApiKeysService does not know it).
 */
export const AgentOnly = () => SetMetadata(AGENT, true);

type AuthedRequest = Request & { principal?: Principal; agent?: AgentEntity };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly agents: FarmAgentsService,
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
    if (this.reflector.getAllAndOverride<boolean>(AGENT, targets)) {
      req.agent = await this.agents.authenticate(key);
      return true;
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

export const CurrentAgent = createParamDecorator((_: unknown, ctx: ExecutionContext): AgentEntity => {
  const a = ctx.switchToHttp().getRequest<AuthedRequest>().agent;
  if (!a) throw new TailorError('UNAUTHENTICATED', 'no agent on the request', 'authorization');
  return a;
});
