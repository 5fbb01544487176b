package io.pushcart.campaign;

/** Where a campaign is in its life. */
public enum CampaignStatus {
  SCHEDULED, SENDING, COMPLETED, CANCELLED;

  public String wire() {
    return name().toLowerCase();
  }

  public static CampaignStatus fromWire(String value) {
    return valueOf(value.toUpperCase());
  }
}
