# What PromQL expressions refer to: the metric names, the label matchers of
# their selectors and the labels of by/without/on/ignoring/group_left/
# group_right lists. A lexer of PromQL's tokens, enough for that, with
# Grafana's variables ($var, ${var}, [[var]]) allowed where a dashboard puts
# them (in strings and ranges).
#
# Input: expressions, each after a line "@@ SOURCE" (SOURCE names it in the
# output). Output, one reference a line, tab-separated:
#   SOURCE  metric   NAME
#   SOURCE  matcher  NAME  LABEL  OP  VALUE
#   SOURCE  group    LABEL
#   SOURCE  error    WHAT
# An identifier that is neither a keyword, an aggregation, a function (a
# name before "(") nor a label is a metric name: a misspelt function is
# reported as a metric, which fails the check rather than passing it.

function out(a, b, c, d, e) {
	printf "%s\t%s", src, a
	if (b != "") printf "\t%s", b
	if (c != "") printf "\t%s", c
	if (d != "") printf "\t%s", d
	if (d != "" || e != "") printf "\t%s", e
	printf "\n"
}

function skip_space() {
	while (i <= n) {
		ch = substr(s, i, 1)
		if (ch == " " || ch == "\t" || ch == "\n" || ch == "\r")
			i++
		else if (ch == "#") {
			while (i <= n && substr(s, i, 1) != "\n")
				i++
		} else
			break
	}
}

function ident() {
	start = i
	while (i <= n && substr(s, i, 1) ~ /[a-zA-Z0-9_:]/)
		i++
	return substr(s, start, i - start)
}

# a string literal at i: its contents (escapes kept as written)
function str(   q, start, c) {
	q = substr(s, i, 1)
	i++
	start = i
	while (i <= n) {
		c = substr(s, i, 1)
		if (c == "\\" && q != "`") {
			i += 2
			continue
		}
		if (c == q)
			break
		i++
	}
	if (i > n) {
		out("error", "unterminated string")
		return ""
	}
	i++
	return substr(s, start, i - 1 - start)
}

# Inside a ( ... ) or { ... } list: past the commas to the label that
# begins the next item (1), or past the closing bracket (0).
function next_label(closing, what) {
	for (;;) {
		skip_space()
		c = substr(s, i, 1)
		if (c == closing) {
			i++
			return 0
		}
		if (c != ",")
			break
		i++
	}
	if (c ~ /[a-zA-Z_]/)
		return 1
	out("error", "bad " what " at: " substr(s, i, 20))
	i = n + 1
	return 0
}

# a ( label, label ) list after by, without, on, ignoring, group_left/right
function label_list() {
	skip_space()
	if (substr(s, i, 1) != "(")
		return
	i++
	while (next_label(")", "label list"))
		out("group", ident())
}

# the { matchers } of metric name
function matchers(name,   l, op, v) {
	i++ # the {
	while (next_label("}", "matcher")) {
		l = ident()
		skip_space()
		op = substr(s, i, 2)
		if (op == "=~" || op == "!=" || op == "!~")
			i += 2
		else if (substr(s, i, 1) == "=") {
			op = "="
			i++
		} else {
			out("error", "no operator after label " l)
			i = n + 1
			return
		}
		skip_space()
		c = substr(s, i, 1)
		if (c != "\"" && c != "'" && c != "`") {
			out("error", "no string after " l op)
			i = n + 1
			return
		}
		v = str()
		out("matcher", name, l, op, v)
	}
}

function lex(   w, depth) {
	n = length(s)
	i = 1
	while (i <= n) {
		skip_space()
		if (i > n)
			break
		c = substr(s, i, 1)
		if (c ~ /[a-zA-Z_:]/) {
			w = ident()
			if (w in keyword)
				continue
			if (w in grouping) {
				label_list()
				continue
			}
			skip_space()
			c = substr(s, i, 1)
			if (w in aggregation || c == "(")
				continue # a function or an aggregation: its arguments follow
			out("metric", w)
			if (c == "{")
				matchers(w)
			continue
		}
		if (c ~ /[0-9.]/) {
			while (i <= n && substr(s, i, 1) ~ /[0-9a-zA-Z._]/)
				i++
			continue
		}
		if (c == "\"" || c == "'" || c == "`") {
			str()
			continue
		}
		if (c == "[") {
			depth = 0
			while (i <= n) {
				c = substr(s, i, 1)
				if (c == "[")
					depth++
				else if (c == "]" && --depth == 0)
					break
				i++
			}
			i++
			continue
		}
		if (c == "$") {
			# a Grafana variable: $name or ${name...}
			i++
			if (substr(s, i, 1) == "{") {
				while (i <= n && substr(s, i, 1) != "}")
					i++
				i++
			} else
				ident()
			continue
		}
		if (c == "{") {
			out("error", "a selector without a metric name: " substr(s, i, 30))
			while (i <= n && substr(s, i, 1) != "}")
				i++
			i++
			continue
		}
		if (index("()+-*/%^=!<>,@", c)) {
			i++
			continue
		}
		out("error", "unexpected character " c)
		i++
	}
}

BEGIN {
	split("and or unless bool offset atan2 inf nan start end", k, " ")
	for (j in k) keyword[k[j]] = 1
	split("by without on ignoring group_left group_right", k, " ")
	for (j in k) grouping[k[j]] = 1
	split("sum min max avg group stddev stdvar count count_values bottomk topk quantile limitk limit_ratio", k, " ")
	for (j in k) aggregation[k[j]] = 1
	src = ""
	s = ""
}

/^@@ / {
	if (src != "")
		lex()
	src = substr($0, 4)
	s = ""
	next
}
{ s = s $0 "\n" }
END {
	if (src != "")
		lex()
}
