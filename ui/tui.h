/* SPDX-License-Identifier: ISC */
/* The terminal browser and editor: `dynrepo` with no verb. */
#ifndef DYNREPO_TUI_H
#define DYNREPO_TUI_H

struct tui_options {
	const char	*profiles_dir;	/* --profiles, or NULL */
	const char	*profile;	/* -p NAME or FILE, or NULL */
};

/* Run the UI on the terminal of stdin/stdout until the person quits;
 * the terminal is restored on every way out. Returns the exit status:
 * 0, or 1 when the UI could not start (a message is on stderr). The
 * caller has called setlocale(LC_CTYPE, "") and curl_global_init. */
int	 tui_main(const struct tui_options *);

#endif
