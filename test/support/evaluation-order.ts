import type request from 'supertest';

/** Every evaluation of a search in order (seq and canonical key), through the paginated REST list. */
export async function evaluationOrder(
  agent: { get(path: string): request.Test },
  id: string,
): Promise<Array<{ seq: number; key: string }>> {
  const out: Array<{ seq: number; key: string }> = [];
  for (let offset = 0; ; offset += 200) {
    const { body } = await agent.get(`/searches/${id}/evaluations?limit=200&offset=${offset}`).expect(200);
    out.push(
      ...body.items.map((r: { evaluation: number; key: string }) => ({ seq: r.evaluation, key: r.key })),
    );
    if (body.items.length < 200) return out;
  }
}
