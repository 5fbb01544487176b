package io.pushcart.personalize;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Arrays;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * An amount in a currency, written as the JDK's {@code NumberFormat.getCurrencyInstance(locale)}
 * writes it (CLDR data: "49,90 €" with a no-break space in de-DE, "$49.90" in en-US, "￥50" in
 * ja-JP), with HALF_EVEN rounding. The JDK formatter is neither thread-safe nor cheap to create,
 * so its prefixes, suffixes and separators are read once per locale and currency into this
 * immutable record, and the digits are laid out here. MoneyTest checks the result against
 * NumberFormat itself for every locale the JDK has.
 *
 * <p>One deliberate difference: the number of decimals is always the currency's (ISO 4217: 2 for
 * EUR, 0 for JPY, 3 for BHD). The JDK keeps the locale's pattern digits in some locales, writing
 * 58.90 EUR as "€59" in ja-JP and 1000 JPY as "¥ 1.000,00" in de-AT: a wrong price.
 */
record MoneyFormat(
    String positivePrefix, String positiveSuffix, String negativePrefix, String negativeSuffix,
    int fractionDigits, char decimalSeparator, int groupingSize, char groupingSeparator, char zeroDigit) {

  static final Locale DEFAULT_LOCALE = Locale.US;
  /** Locale tags and currencies come from subscriber data: caches stop growing at this size. */
  private static final int MAX_CACHED = 4096;
  private static final Set<String> LANGUAGES = Arrays.stream(NumberFormat.getAvailableLocales())
      .map(Locale::getLanguage).filter(l -> !l.isEmpty()).collect(Collectors.toUnmodifiableSet());
  private static final ConcurrentHashMap<String, Locale> LOCALES = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Key, MoneyFormat> FORMATS = new ConcurrentHashMap<>();

  private record Key(Locale locale, String currency) {
  }

  /**
   * The locale of a BCP 47 tag ("de-DE"; "de_DE" is accepted too). Null, blank, malformed, or a
   * language the JDK has no number formats for, is en-US.
   */
  static Locale locale(String tag) {
    if (tag == null || tag.isBlank()) {
      return DEFAULT_LOCALE;
    }
    Locale cached = LOCALES.get(tag);
    if (cached != null) {
      return cached;
    }
    Locale locale = Locale.forLanguageTag(tag.strip().replace('_', '-'));
    if (!LANGUAGES.contains(locale.getLanguage())) {
      locale = DEFAULT_LOCALE;
    }
    if (LOCALES.size() < MAX_CACHED) {
      LOCALES.put(tag, locale);
    }
    return locale;
  }

  /** The format for an ISO 4217 code (any case), or null when the code is not one. */
  static MoneyFormat of(Locale locale, String currencyCode) {
    Key key = new Key(locale, currencyCode);
    MoneyFormat cached = FORMATS.get(key);
    if (cached != null) {
      return cached;
    }
    Currency currency;
    try {
      currency = Currency.getInstance(currencyCode.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
    MoneyFormat format = read(locale, currency);
    if (FORMATS.size() < MAX_CACHED) {
      FORMATS.put(key, format);
    }
    return format;
  }

  static boolean isCurrencyCode(String code) {
    return of(DEFAULT_LOCALE, code) != null;
  }

  private static MoneyFormat read(Locale locale, Currency currency) {
    NumberFormat nf = NumberFormat.getCurrencyInstance(locale);
    if (!(nf instanceof DecimalFormat)) {
      nf = NumberFormat.getCurrencyInstance(DEFAULT_LOCALE);
    }
    DecimalFormat f = (DecimalFormat) nf;
    f.setCurrency(currency); // the symbol in this locale, in the prefix or suffix
    DecimalFormatSymbols symbols = f.getDecimalFormatSymbols();
    int digits = currency.getDefaultFractionDigits() >= 0 ? currency.getDefaultFractionDigits() : f.getMaximumFractionDigits();
    return new MoneyFormat(f.getPositivePrefix(), f.getPositiveSuffix(), f.getNegativePrefix(), f.getNegativeSuffix(),
        digits, symbols.getMonetaryDecimalSeparator(),
        f.isGroupingUsed() ? f.getGroupingSize() : 0, symbols.getMonetaryGroupingSeparator(), symbols.getZeroDigit());
  }

  String format(BigDecimal amount) {
    BigDecimal rounded = amount.setScale(fractionDigits, RoundingMode.HALF_EVEN);
    boolean negative = rounded.signum() < 0;
    String digits = rounded.unscaledValue().abs().toString();
    if (digits.length() <= fractionDigits) {
      digits = "0".repeat(fractionDigits + 1 - digits.length()) + digits;
    }
    int whole = digits.length() - fractionDigits;
    StringBuilder out = new StringBuilder(digits.length() + 12);
    out.append(negative ? negativePrefix : positivePrefix);
    for (int i = 0; i < whole; i++) {
      if (i > 0 && groupingSize > 0 && (whole - i) % groupingSize == 0) {
        out.append(groupingSeparator);
      }
      out.append((char) (zeroDigit + digits.charAt(i) - '0'));
    }
    if (fractionDigits > 0) {
      out.append(decimalSeparator);
      for (int i = whole; i < digits.length(); i++) {
        out.append((char) (zeroDigit + digits.charAt(i) - '0'));
      }
    }
    return out.append(negative ? negativeSuffix : positiveSuffix).toString();
  }
}
