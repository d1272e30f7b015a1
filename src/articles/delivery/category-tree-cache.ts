import { Injectable } from '@nestjs/common';
import { ChangeNotifications } from '../../common/notifications/change-notifications.service';
import { ARTICLE_CHANGED_CHANNEL, EVERYTHING } from '../../changes/content-changes';

/**
 * The category structure (names, slugs, nesting) per locale: a few dozen rows that change rarely, needed by
 * every article page (category, breadcrumbs) and category page. Kept even when the delivery cache is off
 * (DELIVERY_CACHE_ENTRIES=0): it is not a cache of published content but of the category tree, dropped on
 * every category change (the EVERYTHING notification that recordChange sends for categories) and whenever the LISTEN
 * connection is lost; while not listening, every call loads afresh. Article counts are not part of it.
 */
@Injectable()
export class CategoryTreeCache {
  private readonly trees = new Map<string, unknown>();
  private listening = false;
  private generation = 0;

  constructor(notifications: ChangeNotifications) {
    notifications.subscribe(ARTICLE_CHANGED_CHANNEL, {
      onNotification: (payload) => {
        if (!payload || payload === EVERYTHING) this.clear();
      },
      onListeningChanged: (listening) => {
        this.listening = listening;
        this.clear();
      },
    });
  }

  /** The cached tree of `locale`, else `load()`'s result (kept when no category changed meanwhile). */
  async get<T>(locale: string, load: () => Promise<T>): Promise<T> {
    if (this.listening) {
      const hit = this.trees.get(locale);
      if (hit !== undefined) return hit as T;
    }
    const generation = this.generation;
    const tree = await load();
    if (this.listening && generation === this.generation) this.trees.set(locale, tree);
    return tree;
  }

  private clear(): void {
    this.generation += 1;
    this.trees.clear();
  }
}
