-- Starting tax rates (basis points) for the countries the store ships to. Store teams change them in
-- the table; rates are applied to the discounted subtotal plus shipping (docs/pricing.md).
INSERT INTO "tax_rates" ("country", "region", "name", "rate_bp") VALUES
  ('US', '', 'No sales tax', 0),
  ('US', 'CA', 'California sales tax', 725),
  ('US', 'NY', 'New York sales tax', 400),
  ('US', 'TX', 'Texas sales tax', 625),
  ('US', 'WA', 'Washington sales tax', 650),
  ('US', 'IL', 'Illinois sales tax', 625),
  ('CA', '', 'GST', 500),
  ('CA', 'ON', 'HST', 1300),
  ('CA', 'QC', 'GST + QST', 1498),
  ('GB', '', 'VAT', 2000),
  ('DE', '', 'MwSt.', 1900),
  ('FR', '', 'TVA', 2000),
  ('NL', '', 'BTW', 2100),
  ('IE', '', 'VAT', 2300),
  ('ES', '', 'IVA', 2100),
  ('IT', '', 'IVA', 2200),
  ('AU', '', 'GST', 1000),
  ('JP', '', 'Consumption tax', 1000)
ON CONFLICT DO NOTHING;
