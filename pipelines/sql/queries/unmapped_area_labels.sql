select area_label, seen_in from unmapped_area_labels order by area_label
