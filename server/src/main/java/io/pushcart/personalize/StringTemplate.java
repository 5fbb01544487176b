package io.pushcart.personalize;

/**
 * One compiled string of a notification. Immutable: every render call brings its own state.
 */
final class StringTemplate {
  private final Part[] parts;

  StringTemplate(Part[] parts) {
    this.parts = parts;
  }

  /** The rendered text, or null when a needed value is missing ({@code s.missing()} names it). */
  String render(RenderState s) {
    StringBuilder out = s.buffer;
    out.setLength(0);
    if (!Part.renderAll(parts, s, out)) {
      return null;
    }
    return neutralised(out);
  }

  /**
   * No output may contain "{{" or "{%": a value from the data ("{{ x }}" typed into a form), or
   * a value next to a brace of the template, could otherwise make text that a later templating
   * step, or a reader, takes for a merge field. A space goes after each "{" that is followed by
   * "{" or "%": "{{ x }}" becomes "{ { x }}". Data is never run as a template in any case.
   */
  static String neutralised(StringBuilder out) {
    for (int i = out.indexOf("{"); i >= 0 && i + 1 < out.length(); i = out.indexOf("{", i + 1)) {
      char after = out.charAt(i + 1);
      if (after == '{' || after == '%') {
        out.insert(i + 1, ' ');
      }
    }
    return out.toString();
  }
}
