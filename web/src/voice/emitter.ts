/** A small typed event emitter: `on` returns the function that removes the listener. */
export class Emitter<Events extends object> {
  private listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      // One broken listener must not silence the others (or the call itself).
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        console.error(`frontdesk voice: a "${String(event)}" listener failed`, error);
      }
    }
  }
}
