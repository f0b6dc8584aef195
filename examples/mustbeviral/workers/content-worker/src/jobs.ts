/** Messages on CONTENT_QUEUE. Producers: posts.ts. Consumer: queue.ts. */
export interface ModerateJob {
  kind: "moderate";
  postId: string;
}

export type ContentJob = ModerateJob;
