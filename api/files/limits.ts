/** How large an answer's files may be and how long the subject may download them: the settings' defaults. */
/** FILE_MAX_MB, ANSWER_MAX_MB and DOWNLOAD_DAYS, in the units the code uses. */
export type AnswerFileLimits = {
  /** The most bytes one file may have. */
  maxFileBytes: number;
  /** The most bytes one completion may post, its files and text together. */
  maxAnswerBytes: number;
  /** The files can be downloaded this many days after they were stored. */
  downloadDays: number;
};

export const megabyte = 1024 * 1024;

export const defaultLimits: AnswerFileLimits = { maxFileBytes: 25 * megabyte, maxAnswerBytes: 100 * megabyte, downloadDays: 14 };
