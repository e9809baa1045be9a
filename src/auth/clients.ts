/**
 * Registered client applications (client-registration.ts says what a valid one is), kept in the
 * database so that every server process authenticates the same clients.
 */
import type { AuthRecords } from '../store/auth-records.js';
import type { ClientRegistration } from './client-registration.js';

const KIND = 'client';

export class Clients {
  constructor(private readonly records: AuthRecords) {}

  /** Stores a registration made by createClientRegistration (validated, secret hashed). */
  async put(client: ClientRegistration): Promise<void> {
    await this.records.put(KIND, client.id, JSON.stringify(client));
  }

  async get(id: string): Promise<ClientRegistration | undefined> {
    const value = await this.records.get(KIND, id);
    return value === undefined ? undefined : (JSON.parse(value) as ClientRegistration);
  }

  async remove(id: string): Promise<boolean> {
    return this.records.delete(KIND, id);
  }

  /** Every registration, without secret hashes (administration listings). */
  async list(): Promise<Omit<ClientRegistration, 'secretHash'>[]> {
    return (await this.records.list(KIND)).map((r) => {
      const { secretHash: _hidden, ...rest } = JSON.parse(r.value) as ClientRegistration;
      return rest;
    });
  }
}
