module flexwork

go 1.19
