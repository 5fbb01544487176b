package io.pushcart.personalize;

import static io.pushcart.personalize.Render.body;
import static io.pushcart.personalize.Render.missing;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** money: the amount with its currency, as the subscriber's locale writes it. */
class MoneyTest {
  private static final String NBSP = "\u00a0";
  private static final String NARROW_NBSP = "\u202f";

  private static JsonObject cart(Object total, String currency) {
    return new JsonObject().put("cart", new JsonObject().put("total", total).put("currency", currency));
  }

  @Test
  void euroInGermanHasACommaAndTheSignAfter() {
    assertThat(body("{{ cart.total | money }}", cart(49.9, null), "de-DE", "EUR")).isEqualTo("49,90" + NBSP + "€");
  }

  @Test
  void dollarInAmericanEnglishHasTheSignBefore() {
    assertThat(body("{{ cart.total | money }}", cart(49.9, null), "en-US", "USD")).isEqualTo("$49.90");
    assertThat(body("{{ cart.total | money }}", cart(1234567.5, null), "en-US", "USD")).isEqualTo("$1,234,567.50");
  }

  @Test
  void yenHasNoDecimals() {
    assertThat(body("{{ cart.total | money }}", cart(1234, null), "ja-JP", "JPY")).isEqualTo("￥1,234");
    assertThat(body("{{ cart.total | money }}", cart(49.9, null), "ja-JP", "JPY")).isEqualTo("￥50");
  }

  @Test
  void frenchGroupsThousandsWithANarrowSpace() {
    assertThat(body("{{ cart.total | money }}", cart(1234.5, null), "fr-FR", "EUR"))
        .isEqualTo("1" + NARROW_NBSP + "234,50" + NBSP + "€");
  }

  @Test
  void anUnknownOrAbsentLocaleIsUsEnglish() {
    assertThat(body("{{ cart.total | money }}", cart(49.9, null), "xx-YY", "USD")).isEqualTo("$49.90");
    assertThat(body("{{ cart.total | money }}", cart(49.9, null), "not a locale", "USD")).isEqualTo("$49.90");
    assertThat(body("{{ cart.total | money }}", cart(49.9, null), null, "USD")).isEqualTo("$49.90");
    assertThat(body("{{ cart.total | money }}", cart(49.9, null), "de_DE", "EUR")).as("underscore accepted")
        .isEqualTo("49,90" + NBSP + "€");
  }

  @Test
  void theArgumentNamesTheCurrency() {
    assertThat(body("{{ cart.total | money: cart.currency }}", cart(49.9, "EUR"), "en-US", "USD")).isEqualTo("€49.90");
    assertThat(body("{{ cart.total | money: \"GBP\" }}", cart(49.9, null), "en-GB", null)).isEqualTo("£49.90");
    assertThat(body("{{ cart.total | money: cart.currency }}", cart(49.9, "eur"), "de-DE", null)).as("any case")
        .isEqualTo("49,90" + NBSP + "€");
  }

  @Test
  void anArgumentThatLeadsNowhereFallsBackToTheDefaultCurrency() {
    assertThat(body("{{ cart.total | money: cart.currency }}", cart(49.9, null), "en-US", "USD")).isEqualTo("$49.90");
  }

  @Test
  void noCurrencyAtAllIsMissing() {
    assertThat(missing("{{ cart.total | money }}", cart(49.9, null), "en-US", null)).isEqualTo("currency");
    assertThat(missing("{{ cart.total | money: cart.currency }}", cart(49.9, null), "en-US", null)).isEqualTo("cart.currency");
  }

  @Test
  void aCurrencyInTheDataThatIsNoCurrencyIsMissing() {
    assertThat(missing("{{ cart.total | money: cart.currency }}", cart(49.9, "EURO"), "en-US", "USD")).isEqualTo("cart.currency");
    assertThat(missing("{{ cart.total | money }}", cart(49.9, null), "en-US", "dollars")).isEqualTo("currency");
  }

  @Test
  void anAmountThatIsNoNumberIsMissing() {
    assertThat(missing("{{ cart.total | money }}", cart("free", null), "en-US", "USD")).isEqualTo("cart.total");
  }

  @Test
  void aNumericStringIsAnAmount() {
    assertThat(body("{{ cart.total | money }}", cart("49.90", null), "en-US", "USD")).isEqualTo("$49.90");
  }

  @Test
  void negativeAmountsHaveTheLocalesMinus() {
    assertThat(body("{{ cart.total | money }}", cart(-5, null), "en-US", "USD")).isEqualTo("-$5.00");
    assertThat(body("{{ cart.total | money }}", cart(-5, null), "de-DE", "EUR")).isEqualTo("-5,00" + NBSP + "€");
  }

  @Test
  void defaultBeforeMoneyCoversAnAbsentAmount() {
    assertThat(body("{{ cart.total | default: 0 | money }}", new JsonObject(), "en-US", "USD")).isEqualTo("$0.00");
  }

  @Test
  void theCurrencyDecidesTheDecimalsWhateverTheLocale() {
    assertThat(body("{{ cart.total | money }}", cart(58.9, null), "ja-JP", "EUR")).isEqualTo("€58.90");
    assertThat(body("{{ cart.total | money }}", cart(1000, null), "de-AT", "JPY")).isEqualTo("¥" + NBSP + "1.000");
    assertThat(body("{{ cart.total | money }}", cart(1.5, null), "en-US", "BHD")).as("three decimals").isEqualTo("BHD1.500");
  }

  @Test
  void writesWhatTheJdkNumberFormatWritesInEveryLocale() {
    List<String> differences = new ArrayList<>();
    BigDecimal[] amounts = {BigDecimal.ZERO, new BigDecimal("0.5"), new BigDecimal("49.9"), new BigDecimal("1000"),
        new BigDecimal("-1234567.891"), new BigDecimal("0.125")};
    int checked = 0;
    for (Locale locale : NumberFormat.getAvailableLocales()) {
      if (locale.getLanguage().isEmpty()) {
        continue;
      }
      for (String code : List.of("EUR", "USD", "JPY", "BHD")) {
        DecimalFormat oracle = (DecimalFormat) NumberFormat.getCurrencyInstance(locale);
        oracle.setCurrency(Currency.getInstance(code));
        // The one difference on purpose: the currency's decimals, whatever the locale's pattern has.
        oracle.setMinimumFractionDigits(Currency.getInstance(code).getDefaultFractionDigits());
        oracle.setMaximumFractionDigits(Currency.getInstance(code).getDefaultFractionDigits());
        MoneyFormat ours = MoneyFormat.of(locale, code);
        for (BigDecimal amount : amounts) {
          checked++;
          if (!ours.format(amount).equals(oracle.format(amount))) {
            differences.add(locale.toLanguageTag() + " " + code + " " + amount + ": " + ours.format(amount)
                + " vs " + oracle.format(amount));
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(1000);
    assertThat(differences).isEmpty();
  }
}
