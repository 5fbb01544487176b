package io.pushcart.personalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compiles one string: splits it into text, {@code {{ output }}} and {@code {% tag %}} segments
 * (with Liquid's {@code {{-}} / {@code -}}} whitespace trimming), then nests the blocks. Supported
 * tags: if / elsif / else / endif, unless / endunless, for / else / endfor. Anything else is a
 * {@link SyntaxError} that says what to write.
 */
final class TemplateParser {
  /** The data a merge field may read; the caller loads only those a template uses. */
  static final List<String> ROOTS = List.of("subscriber", "cart", "product", "order", "site");
  private static final int MAX_NESTING = 10;
  private static final String TAGS = "if, elsif, else, endif, unless, endunless, for, endfor";

  private enum Kind { TEXT, OUTPUT, TAG }

  /** {@code text} is the literal text, or the inside of the tag; {@code tag} the tag as written. */
  private record Segment(Kind kind, String text, String tag, boolean trimBefore, boolean trimAfter) {
  }

  /** The parts of a block and the tag that ended it (null at the end of the string). */
  private record Block(Part[] parts, String endName, ExpressionParser endTag) {
  }

  private final List<Segment> segments;
  private final Set<String> roots;
  private final List<String> loops = new ArrayList<>();
  private int next;
  private int nesting;

  private TemplateParser(List<Segment> segments, Set<String> roots) {
    this.segments = segments;
    this.roots = roots;
  }

  /** The parts of {@code source}; adds the roots it reads to {@code roots}. */
  static Part[] parse(String source, Set<String> roots) {
    TemplateParser parser = new TemplateParser(segments(source), roots);
    Block block = parser.block(Set.of());
    return block.parts();
  }

  private Block block(Set<String> enders) {
    List<Part> parts = new ArrayList<>();
    while (next < segments.size()) {
      Segment segment = segments.get(next++);
      if (segment.kind() == Kind.TEXT) {
        if (!segment.text().isEmpty()) {
          parts.add(new Part.Text(segment.text()));
        }
        continue;
      }
      ExpressionParser p = new ExpressionParser(segment.text(), segment.tag(), loops, roots);
      if (segment.kind() == Kind.OUTPUT) {
        parts.add(p.output());
        continue;
      }
      String name = p.tagName();
      if (enders.contains(name)) {
        return new Block(parts.toArray(new Part[0]), name, p);
      }
      switch (name) {
        case "if", "unless" -> parts.add(ifBlock(p, name));
        case "for" -> parts.add(forBlock(p));
        case "elsif", "else", "endif", "endunless", "endfor" -> throw p.error(
            "{% " + name + " %} is out of place: it has no open {% if %} or {% for %} here, or comes after its {% else %}");
        default -> throw p.error("\"" + name + "\" is not a supported tag; the tags are " + TAGS
            + ", besides {{ }} merge fields");
      }
    }
    return new Block(parts.toArray(new Part[0]), null, null);
  }

  private Part ifBlock(ExpressionParser open, String kind) {
    enter(open);
    String end = kind.equals("if") ? "endif" : "endunless";
    Condition condition = open.condition();
    open.expectEnd();
    if (kind.equals("unless")) {
      condition = new Condition.Not(condition);
    }
    List<Part.Branch> branches = new ArrayList<>();
    Part[] otherwise = new Part[0];
    while (true) {
      Block block = closed(block(Set.of("elsif", "else", end)), open, end);
      branches.add(new Part.Branch(condition, block.parts()));
      if (block.endName().equals("elsif")) {
        condition = block.endTag().condition();
        block.endTag().expectEnd();
      } else {
        block.endTag().expectEnd();
        if (block.endName().equals("else")) {
          Block last = closed(block(Set.of(end)), open, end);
          last.endTag().expectEnd();
          otherwise = last.parts();
        }
        break;
      }
    }
    nesting--;
    return new Part.If(branches.toArray(new Part.Branch[0]), otherwise);
  }

  private Part forBlock(ExpressionParser open) {
    enter(open);
    ExpressionParser.ForHeader header = open.forHeader();
    int depth = loops.size();
    loops.add(header.variable());
    Block body = closed(block(Set.of("else", "endfor")), open, "endfor");
    loops.remove(depth);
    body.endTag().expectEnd();
    Part[] otherwise = new Part[0];
    if (body.endName().equals("else")) {
      Block last = closed(block(Set.of("endfor")), open, "endfor");
      last.endTag().expectEnd();
      otherwise = last.parts();
    }
    nesting--;
    return new Part.For(depth, header.collection(), header.offset(), header.limit(), header.reversed(), body.parts(),
        otherwise);
  }

  private void enter(ExpressionParser open) {
    if (++nesting > MAX_NESTING) {
      throw open.error("blocks are nested more than " + MAX_NESTING + " deep");
    }
  }

  private static Block closed(Block block, ExpressionParser open, String end) {
    if (block.endName() == null) {
      throw open.error("the block is never closed; end it with {% " + end + " %}");
    }
    return block;
  }

  private static List<Segment> segments(String source) {
    List<Segment> out = new ArrayList<>();
    int pos = 0;
    while (pos < source.length()) {
      int open = nextOpen(source, pos);
      if (open < 0) {
        out.add(new Segment(Kind.TEXT, source.substring(pos), null, false, false));
        break;
      }
      if (open > pos) {
        out.add(new Segment(Kind.TEXT, source.substring(pos, open), null, false, false));
      }
      boolean output = source.charAt(open + 1) == '{';
      int from = open + 2;
      boolean trimBefore = from < source.length() && source.charAt(from) == '-';
      if (trimBefore) {
        from++;
      }
      int close = closing(source, from, output, open);
      boolean trimAfter = close > from && source.charAt(close - 1) == '-';
      String inside = source.substring(from, trimAfter ? close - 1 : close);
      out.add(new Segment(output ? Kind.OUTPUT : Kind.TAG, inside, source.substring(open, close + 2), trimBefore, trimAfter));
      pos = close + 2;
    }
    trimWhitespace(out);
    return out;
  }

  /** {@code {{-} strips the whitespace before a tag, {@code -}}} the whitespace after it. */
  private static void trimWhitespace(List<Segment> segments) {
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      if (s.trimBefore() && i > 0 && segments.get(i - 1).kind() == Kind.TEXT) {
        segments.set(i - 1, new Segment(Kind.TEXT, segments.get(i - 1).text().stripTrailing(), null, false, false));
      }
      if (s.trimAfter() && i + 1 < segments.size() && segments.get(i + 1).kind() == Kind.TEXT) {
        segments.set(i + 1, new Segment(Kind.TEXT, segments.get(i + 1).text().stripLeading(), null, false, false));
      }
    }
  }

  private static int nextOpen(String s, int from) {
    for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
      if (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '%') {
        return i;
      }
    }
    return -1;
  }

  /** Where the tag opened at {@code open} ends: its {@code }}} or {@code %}}, outside quoted text. */
  private static int closing(String s, int from, boolean output, int open) {
    char end = output ? '}' : '%';
    for (int i = from; i + 1 < s.length(); i++) {
      char c = s.charAt(i);
      char after = s.charAt(i + 1);
      if (c == '"' || c == '\'') {
        int quote = s.indexOf(c, i + 1);
        if (quote < 0) {
          throw new SyntaxError("the text opened with " + c + " at character " + (i + 1) + " is never closed");
        }
        i = quote;
      } else if (c == end && after == '}') {
        return i;
      } else if (c == '{' && (after == '{' || after == '%')) {
        break;
      }
    }
    throw new SyntaxError((output ? "{{" : "{%") + " at character " + (open + 1) + " is never closed; end it with "
        + (output ? "}}" : "%}"));
  }
}
