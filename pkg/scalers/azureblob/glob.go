package azureblob

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// compileGlob compiles a globPattern into a regular expression matching
// whole blob names. The syntax is KEDA's (github.com/gobwas/glob without
// separators), so that a pattern scales the same here:
//
//   - * and ** match any sequence of characters, "/" included;
//   - ? matches one character;
//   - [abc], [a-z] match one character of the class, [!abc] one not in it;
//   - {a,b,c} matches any of the comma-separated alternatives, which may
//     hold patterns themselves;
//   - \ makes the next character literal.
//
// An unclosed [ or {, an empty class, a reversed range or a trailing \ is
// an error.
func compileGlob(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`\A(?s:`)
	depth := 0
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		switch {
		case r == '*':
			b.WriteString(".*")
			for i += size; i < len(pattern) && pattern[i] == '*'; i++ {
			}
			continue
		case r == '?':
			b.WriteString(".")
		case r == '\\':
			if i+size >= len(pattern) {
				return nil, errors.New("pattern ends with a backslash")
			}
			i += size
			r, size = utf8.DecodeRuneInString(pattern[i:])
			b.WriteString(regexp.QuoteMeta(string(r)))
		case r == '[':
			class, n, err := globClass(pattern[i:])
			if err != nil {
				return nil, err
			}
			b.WriteString(class)
			i += n
			continue
		case r == '{':
			depth++
			b.WriteString("(?:")
		case r == '}' && depth > 0:
			depth--
			b.WriteString(")")
		case r == ',' && depth > 0:
			b.WriteString("|")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
		i += size
	}
	if depth > 0 {
		return nil, errors.New("unclosed {")
	}
	b.WriteString(`)\z`)
	return regexp.Compile(b.String())
}

// globClass translates the character class at the start of s ("[...]")
// and returns it with the number of bytes it took.
func globClass(s string) (string, int, error) {
	var b strings.Builder
	b.WriteString("[")
	i := 1
	if i < len(s) && s[i] == '!' {
		b.WriteString("^")
		i++
	}
	items := 0
	for i < len(s) && s[i] != ']' {
		lo, n, err := classChar(s, i)
		if err != nil {
			return "", 0, err
		}
		i += n
		hi := lo
		if i+1 < len(s) && s[i] == '-' && s[i+1] != ']' {
			if hi, n, err = classChar(s, i+1); err != nil {
				return "", 0, err
			}
			i += 1 + n
			if hi < lo {
				return "", 0, fmt.Errorf("reversed range %q-%q in [ ]", lo, hi)
			}
		}
		b.WriteString(classLiteral(lo))
		if hi != lo {
			b.WriteString("-" + classLiteral(hi))
		}
		items++
	}
	if i >= len(s) {
		return "", 0, errors.New("unclosed [")
	}
	if items == 0 {
		return "", 0, errors.New("empty [ ]")
	}
	b.WriteString("]")
	return b.String(), i + 1, nil
}

// classChar reads one possibly escaped character of a class at s[i:].
func classChar(s string, i int) (rune, int, error) {
	if s[i] == '\\' {
		if i+1 >= len(s) {
			return 0, 0, errors.New("unclosed [")
		}
		r, n := utf8.DecodeRuneInString(s[i+1:])
		return r, 1 + n, nil
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return r, n, nil
}

// classLiteral quotes r for use inside a regexp character class.
func classLiteral(r rune) string {
	if r == '-' {
		return `\-`
	}
	return regexp.QuoteMeta(string(r))
}
