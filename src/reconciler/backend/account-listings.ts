import type { AcgProvisioningClient, NumberResource } from '../../acg/index.js';

type ListAccountNumbers = Pick<AcgProvisioningClient, 'listAccountNumbers'>;

interface Listing {
  /** Listings are numbered in the order they start: a larger number started later. */
  readonly generation: number;
  readonly numbers: Promise<Map<string, NumberResource>>;
}

/**
 * One listing of an account's numbers answers every operation of that account
 * that falls due while it is the newest: reads of many operations due together
 * cost one paged list, not one each. A listing answers an operation only if it
 * started after the operation's send was answered (this process saw it) and
 * after the listing that answered the operation's previous read — an older
 * listing could show a number's previous status, and a listing that already
 * said "pending" must never be asked again.
 */
export class AccountListings {
  private generation = 0;
  private readonly newest = new Map<string, Listing>();
  /** Per request id: a listing must have a larger generation than this to answer it. */
  private readonly mustFollow = new Map<string, number>();

  constructor(private readonly client: ListAccountNumbers) {}

  /** The operation's send was answered now: only listings started from here on show its effect. */
  answered(requestId: string): void {
    this.mustFollow.set(requestId, this.generation);
  }

  /** The account's numbers as a listing that may answer this operation, started now if none may. */
  list(account: string, requestId: string, signal?: AbortSignal): Promise<Map<string, NumberResource>> {
    const after = this.mustFollow.get(requestId);
    const current = this.newest.get(account);
    const listing = current && after !== undefined && current.generation > after ? current : this.start(account, signal);
    this.mustFollow.set(requestId, listing.generation);
    return listing.numbers;
  }

  /** The operation is settled: nothing more to remember about it. */
  forget(requestId: string): void {
    this.mustFollow.delete(requestId);
  }

  private start(account: string, signal?: AbortSignal): Listing {
    const listing: Listing = {
      generation: ++this.generation,
      numbers: this.client.listAccountNumbers(account, signal).then((all) => new Map(all.map((n) => [n.telephoneNumber, n]))),
    };
    this.newest.set(account, listing);
    listing.numbers.catch(() => {
      if (this.newest.get(account) === listing) this.newest.delete(account);
    });
    return listing;
  }
}
