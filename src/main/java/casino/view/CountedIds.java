package casino.view;

/**
 * Which ids the view has counted, readable from any thread while its one writer goes on.
 *
 * <p>An id is in it once a count request holding it reached the keeper, which may be before
 * that request's journal write has completed. That is enough to decide which lines a processor
 * may leave out: every count request is sent only after its batch wrote the lines of the ids it
 * was told were not counted, so an id reported counted always has its line written by the
 * first batch that was told it was not. Should the write fail, the requests are asked again
 * and the ids counted then; no line is missing meanwhile.
 */
public interface CountedIds {
  /** The ids of {@code ids} not counted, in their order. */
  long[] unseen(long[] ids);
}
