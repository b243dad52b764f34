# HTML reports (per sample, per patient, cohort) are added here.
