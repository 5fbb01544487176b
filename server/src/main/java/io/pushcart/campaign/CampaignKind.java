package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import java.util.Arrays;

/** What a campaign is for; automated kinds join with the automation engine. */
public enum CampaignKind {
  FLASH_SALE("flash_sale"), LAUNCH("launch"), CUSTOM("custom");

  public final String wire;

  CampaignKind(String wire) {
    this.wire = wire;
  }

  public static CampaignKind parse(String value) {
    return Arrays.stream(values()).filter(k -> k.wire.equals(value)).findFirst()
        .orElseThrow(() -> ClientError.invalid("kind", "kind must be one of flash_sale, launch, custom"));
  }
}
