/** The bench's report is plain lines on stdout (errors go to stderr, from main). */
export const say = (line = "") => console.log(line);
