"""Deterministic demo deliveries for the integration pipeline.

What belongs here: a synthetic municipality (Ballerup, 0151) built as explicit person stories and
written as the three raw extracts of a monthly delivery (CPR fixed width, residence permits, DREAM),
calibrated so that the 2017-06 delivery reproduces the figures of the Ballerup 2017 note. No real
person's data: every CPR number, address and history is generated.

Modules: `calibration` (the note's figures and code lists), `population` (the stories), `model`
(the story dataclasses and the view at an extract date), `dream` (benefit and employment
histories), `cpr_numbers` (valid CPR numbers), `render` (file layouts), `generator` (the entry
point). What does not belong here: anything the pipeline itself runs on real deliveries.
"""

from integration_pipeline.demo.generator import SUPPORTED_MONTHS, generate_delivery, population

__all__ = ["SUPPORTED_MONTHS", "generate_delivery", "population"]
