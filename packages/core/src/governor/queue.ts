/** A waiter's place in a {@link Line}; lets an abort take it out in O(1). */
export interface Place<T> {
  readonly value: T;
  /** Arrival order: lower goes first. */
  readonly seq: number;
  prev: Place<T> | undefined;
  next: Place<T> | undefined;
  line: Line<T> | undefined;
}

/**
 * A FIFO line of waiters ordered by arrival. A doubly linked list rather than an array, so
 * that an aborted waiter leaves from the middle in O(1) and 10 000 waiters cost no shifting.
 */
export class Line<T> {
  #head: Place<T> | undefined;
  #tail: Place<T> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The waiter that would go next, without taking it out. */
  peek(): T | undefined {
    return this.#head?.value;
  }

  /** The place of the waiter that would go next (its `seq` orders lines against each other). */
  head(): Place<T> | undefined {
    return this.#head;
  }

  /** Calls `visit` for each place in order; `visit` may remove the place it is given. */
  forEach(visit: (place: Place<T>) => void): void {
    for (let place = this.#head; place; ) {
      const next = place.next;
      visit(place);
      place = next;
    }
  }

  /** Puts `value` at the back; returns its place (for {@link Line.remove}). */
  push(value: T, seq: number): Place<T> {
    const place: Place<T> = { value, seq, prev: this.#tail, next: undefined, line: this };
    if (this.#tail) this.#tail.next = place;
    else this.#head = place;
    this.#tail = place;
    this.#size++;
    return place;
  }

  /**
   * Puts a place taken from another line back in arrival order. It usually belongs at or
   * near the back, so the walk starts there.
   */
  insert(place: Place<T>): void {
    let after = this.#tail;
    while (after && after.seq > place.seq) after = after.prev;
    place.line = this;
    place.prev = after;
    place.next = after ? after.next : this.#head;
    if (place.next) place.next.prev = place;
    else this.#tail = place;
    if (after) after.next = place;
    else this.#head = place;
    this.#size++;
  }

  /** Takes the first waiter out (its place stays usable for {@link Line.insert}). */
  shift(): Place<T> | undefined {
    const head = this.#head;
    if (head) this.remove(head);
    return head;
  }

  /** Takes `place` out wherever it stands; a place not in this line is left alone. */
  remove(place: Place<T>): boolean {
    if (place.line !== this) return false;
    if (place.prev) place.prev.next = place.next;
    else this.#head = place.next;
    if (place.next) place.next.prev = place.prev;
    else this.#tail = place.prev;
    place.prev = undefined;
    place.next = undefined;
    place.line = undefined;
    this.#size--;
    return true;
  }

  /** Empties the line, returning the waiters in order. */
  drain(): T[] {
    const values: T[] = [];
    for (let place = this.shift(); place; place = this.shift()) values.push(place.value);
    return values;
  }
}
