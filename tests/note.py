"""The key figures of the Ballerup 2017 note (shared/reference/ballerup_2017_integration_note.txt)
as the spec names them, typed in from the note, never computed. Shared by the demo tests."""

NOTE_KEY_FIGURES = {
    "refugees_received": 86, "refugees_received_men": 57, "refugees_received_women": 29,
    "refugees_adults": 73, "immigrants_lived_here": 1792, "immigrants_still_resident": 760,
    "immigrants_moved_away": 1032, "immigrants_family_reunified": 167,
    "immigrants_direct_from_abroad": 1256, "immigrants_from_other_municipality": 536,
    "residents_direct_from_abroad": 467, "residents_from_other_municipality": 293,
    "residents_women": 379, "residents_men": 381, "residents_adults_at_status_date": 654,
    "top15_share_pct": 60.5,
}
