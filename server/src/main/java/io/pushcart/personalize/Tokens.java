package io.pushcart.personalize;

import java.util.ArrayList;
import java.util.List;

/** Splits the inside of one tag into tokens. Liquid strings have no escapes: a quote ends at the next same quote. */
final class Tokens {
  /** INVALID carries a tokenizing error, raised only when the parser reaches it: a tag's name is read first. */
  enum Kind { NAME, STRING, NUMBER, DOT, OPEN, CLOSE, PIPE, COLON, COMMA, OPERATOR, END, INVALID }

  /** For STRING, {@code text} is the text between the quotes; for INVALID, what is wrong. */
  record Token(Kind kind, String text, int start, int end) {
  }

  private Tokens() {
  }

  static List<Token> of(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '"' || c == '\'') {
        int close = s.indexOf(c, i + 1);
        if (close < 0) {
          return invalid(out, "the text opened with " + c + " is never closed", start);
        }
        out.add(new Token(Kind.STRING, s.substring(i + 1, close), start, close + 1));
        i = close + 1;
      } else if (isDigit(s, i) || c == '-' && isDigit(s, i + 1)) {
        i++;
        while (isDigit(s, i)) {
          i++;
        }
        if (i < s.length() && s.charAt(i) == '.' && isDigit(s, i + 1)) {
          i++;
          while (isDigit(s, i)) {
            i++;
          }
        }
        out.add(new Token(Kind.NUMBER, s.substring(start, i), start, i));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '-')) {
          i++;
        }
        if (i < s.length() && s.charAt(i) == '?') {
          i++;
        }
        out.add(new Token(Kind.NAME, s.substring(start, i), start, i));
      } else if ("=!<>".indexOf(c) >= 0) {
        String two = s.startsWith("==", i) || s.startsWith("!=", i) || s.startsWith("<>", i) || s.startsWith("<=", i)
            || s.startsWith(">=", i) ? s.substring(i, i + 2) : null;
        if (two == null && (c == '=' || c == '!')) {
          return invalid(out, "\"" + c + "\" is not an operator; compare with ==, !=, <, >, <=, >= or contains", start);
        }
        String op = two != null ? two : String.valueOf(c);
        i += op.length();
        out.add(new Token(Kind.OPERATOR, op, start, i));
      } else {
        Kind kind = switch (c) {
          case '.' -> Kind.DOT;
          case '[' -> Kind.OPEN;
          case ']' -> Kind.CLOSE;
          case '|' -> Kind.PIPE;
          case ':' -> Kind.COLON;
          case ',' -> Kind.COMMA;
          default -> Kind.INVALID;
        };
        if (kind == Kind.INVALID) {
          return invalid(out, "\"" + c + "\" is not expected here", start);
        }
        i++;
        out.add(new Token(kind, String.valueOf(c), start, i));
      }
    }
    out.add(new Token(Kind.END, "", s.length(), s.length()));
    return out;
  }

  private static List<Token> invalid(List<Token> out, String message, int at) {
    out.add(new Token(Kind.INVALID, message, at, at));
    return out;
  }

  private static boolean isDigit(String s, int i) {
    return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
  }
}
