/* Peer for scripts/bench-extract: md4c, the parser conform extract is built on, parsing the same pages with the
 * same flags and rendering them to HTML (libmd4c-html), output discarded. It is the floor for any extractor that
 * gives md4c every line of every page. Usage: md4c_peer FILE... */
#include <md4c-html.h>

#include <stdio.h>
#include <stdlib.h>

static void discard(const MD_CHAR* text, MD_SIZE size, void* total) {
  (void)text;
  *(size_t*)total += size;
}

int main(int argc, char** argv) {
  size_t total = 0, cap = 0;
  char* buf = NULL;
  for (int i = 1; i < argc; ++i) {
    FILE* f = fopen(argv[i], "rb");
    if (!f) {
      perror(argv[i]);
      return 2;
    }
    size_t n = 0, got;
    for (;;) {
      if (n == cap) {
        cap = cap ? cap * 2 : 1 << 16;
        buf = realloc(buf, cap);
        if (!buf) return 2;
      }
      got = fread(buf + n, 1, cap - n, f);
      if (got == 0) break;
      n += got;
    }
    fclose(f);
    if (md_html(buf, (MD_SIZE)n, discard, &total, MD_FLAG_TABLES | MD_FLAG_NOINDENTEDCODEBLOCKS, 0) != 0) return 1;
  }
  free(buf);
  printf("%zu\n", total);
  return 0;
}
