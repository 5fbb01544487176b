package io.pushcart.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** browser, os and deviceType from real User-Agent strings of the browsers that support Web Push. */
class DeviceTest {
  private static final URI FCM = URI.create("https://fcm.googleapis.com/fcm/send/abc");
  private static final URI APPLE = URI.create("https://web.push.apple.com/QGx1Yc");

  @ParameterizedTest(name = "{1}/{2}/{3}: {0}")
  @CsvSource(delimiter = '|', textBlock = """
      Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 | chrome | android | mobile
      Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 | chrome | android | tablet
      Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 | chrome | windows | desktop
      Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 | chrome | macos | desktop
      Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 | chrome | chromeos | desktop
      Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 | chrome | linux | desktop
      Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1 | chrome | ios | mobile
      Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0 | firefox | windows | desktop
      Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0 | firefox | android | mobile
      Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 | firefox | linux | desktop
      Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0 | firefox | macos | desktop
      Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15 | safari | macos | desktop
      Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1 | safari | ios | mobile
      Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1 | safari | ios | tablet
      Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80 | edge | windows | desktop
      Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64 | edge | android | mobile
      Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0 | edge | macos | desktop
      Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36 | samsung | android | mobile
      Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36 | samsung | android | tablet
      Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0 | opera | windows | desktop
      Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 OPR/81.0.0.0 | opera | android | mobile
      """)
  void browserSystemAndDeviceComeFromTheUserAgent(String userAgent, String browser, String os, String deviceType) {
    assertThat(Device.of(userAgent, FCM)).isEqualTo(new Device(browser, os, deviceType));
  }

  @Test
  void aWebAppOnAnIphoneHomeScreenIsSafariThoughItsUserAgentNamesNoBrowser() {
    String homeScreen = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    assertThat(Device.of(homeScreen, APPLE)).isEqualTo(new Device("safari", "ios", "mobile"));
  }

  @Test
  void iPadOsAskingForDesktopPagesCountsAsAMacAndApplesPushServiceMeansSafari() {
    String iPadDesktop = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
    assertThat(Device.of(iPadDesktop, APPLE)).isEqualTo(new Device("safari", "macos", "desktop"));
    assertThat(Device.of(null, APPLE).browser()).isEqualTo("safari");
  }

  @Test
  void noOrAnUnknownUserAgentIsOtherOnADesktop() {
    assertThat(Device.of(null, FCM)).isEqualTo(Device.UNKNOWN);
    assertThat(Device.of("curl/8.4.0", FCM)).isEqualTo(new Device("other", "other", "desktop"));
  }
}
