-- Issue #14 item 8: what a site tells its patients' phones besides its numbers.
-- `temperature_unit`: the unit the site's thermometers read ('celsius' or 'fahrenheit'); NULL: the phone goes by
-- its language. `office_hours`: when the site's own line is answered, JSON of `carepath_domain::site::OfficeHours`
-- ({"opens":"08:00:00","closes":"17:00:00","days":["Mon",…]}); NULL: after hours means 20:00–08:00.
ALTER TABLE sites ADD COLUMN temperature_unit TEXT CHECK (temperature_unit IN ('celsius', 'fahrenheit'));
ALTER TABLE sites ADD COLUMN office_hours TEXT;
