import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { RenderedPost, renderPost } from './render-post';

/** Renders post Markdown with the configured image hosts; once per revision, when it is written. */
@Injectable()
export class PostRenderer {
  constructor(private readonly config: AppConfig) {}

  render(markdown: string): RenderedPost {
    return renderPost(markdown, { imageHosts: this.config.forum.imageHosts });
  }
}
